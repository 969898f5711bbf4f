"""The desk's board: a live web page of alerts, fact profiles, conflicts side by side,
the watchlist and the pipeline's health (``wirewatch board``).

``model`` is what the pages show and the ``BoardData`` interface they read it through;
``data`` implements it over the running pipeline (the only module here that imports
the runtime); ``web`` serves the pages; ``views`` holds their pure pieces.
"""
