"""Well-known protobuf types whose canonical JSON is not a plain object of their fields."""

# JSON form is a string: "2027-05-01T00:00:00Z", "5400s", "a.b,c".
STRING_FORM = frozenset(
    {"google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"}
)

# JSON form is the wrapped scalar.
WRAPPERS = frozenset(
    f"google.protobuf.{name}Value"
    for name in ("Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes")
)

# JSON form may be anything (Value) or an array (ListValue).
ANY_JSON = frozenset({"google.protobuf.Value", "google.protobuf.ListValue"})

NOT_AN_OBJECT = STRING_FORM | WRAPPERS | ANY_JSON
