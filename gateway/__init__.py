"""The HTTP/JSON edge of the mesh."""
