"""Loss Lab's library: losses with exact gradients, toy datasets, models and training.

NumPy and scikit-learn only; never imports Streamlit or Altair.
"""
