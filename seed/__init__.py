"""The article's figures (``article.toml``), reference areas (``areas.csv``) and their loader."""
