"""orgmodel: organisational announcements as versioned org-chart graphs.

Library entry points::

    from orgmodel.history import load_history
    history = load_history("seeds")
    graph = history.snapshot("latest")      # networkx.DiGraph
"""

__version__ = "0.1.0"
