"""Every figure MindMuscle draws, in one place: the motion plot of a set (``motion``), the EMG
report (``emg``), the experiment report with its figures (``experiments``) and the connection
test over weeks (``skill_tests``).

Each module imports its plotting library (matplotlib, plotly) itself, so importing this package
loads none of them.
"""
