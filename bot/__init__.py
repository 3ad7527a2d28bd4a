"""Telegram front end of the verkoopcoach, plus the local stack and terminal chat.

The coach itself lives in Rasa; this package only carries messages between a
seller (Telegram or terminal) and Rasa's REST channel.
"""
