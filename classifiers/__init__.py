"""Classifier backends: the :class:`~classifiers.base.Classifier` port and its implementations."""
