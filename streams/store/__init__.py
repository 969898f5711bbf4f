"""State behind small async interfaces: a Redis implementation and an in-memory twin each."""
