"""Where ``mine`` runs: extraction on this machine's processes and Splink's linking on DuckDB
(``duckdb``, the default), or both on a Spark cluster (``spark``). Both engines write the same
numbered extraction chunks (``io.chunks``); link features, clue rules and output files are the
same code."""
