"""What runs inside the Rasa server: registered components, the REST channel, serving."""
