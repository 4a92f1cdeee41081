"""The app's screens: home, run, summary, help and the small yes/no dialogs."""
