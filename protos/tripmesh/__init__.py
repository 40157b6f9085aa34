"""Generated code of the tripmesh protos."""
