"""Where ``mine`` runs its extraction: on this machine's processes (``local``, the default) or on a
Spark cluster (``spark``). Both write the same numbered extraction chunks (``io.chunks``); linking,
clue rules and the output files are then the same code."""
