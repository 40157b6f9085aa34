"""tripmesh services: one package per service, plus what they share."""
