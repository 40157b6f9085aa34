# ACL policy of the tripmesh token (CONSUL_HTTP_TOKEN): register, check and read its own
# services; read nodes, which health/service queries return with each instance.
service_prefix "tripmesh-" {
  policy = "write"
}
node_prefix "" {
  policy = "read"
}
