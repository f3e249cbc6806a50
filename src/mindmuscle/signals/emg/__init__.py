"""signals emg."""
