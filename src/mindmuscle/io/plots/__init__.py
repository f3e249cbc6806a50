"""Every figure MindMuscle draws, in one place: the motion plot of a set (``motion``), the EMG
report (``emg``) and the experiment report with its figures (``experiments``).

Each module imports its plotting library (matplotlib, plotly) itself, so importing this package
loads none of them.
"""
