"""State behind small async interfaces: Redis implementations and in-memory twins.

Stage modules in ``streams/`` stay pure; everything that must survive a restart or be
shared between workers lives here.
"""
