"""What runs inside the Rasa server: the REST channel, registered NLU components, the serving
entry point (`python -m rasa_ext.server`) and the version-checked patches."""
