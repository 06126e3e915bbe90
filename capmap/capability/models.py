"""No models of its own: the data version's counters are a plain table kept by triggers
(capmap/capability/data_version.py). The module exists so that post_migrate reaches this app."""
