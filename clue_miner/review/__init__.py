"""The review web app (``clue-miner serve``) and the static HTML report (``clue-miner report``)."""
