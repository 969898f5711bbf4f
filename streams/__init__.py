"""wirewatch stream logic: pure stages (normalise, dedup, NLP, resolution, claims,
conflicts) plus the settings, topics and Faust app that the agents wire together."""
