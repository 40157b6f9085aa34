"""State shared by the replicas of a service, in Redis when TRIPMESH_STATE_URL is set.

The plumbing lives here (the connection, the outage guard, leases, global rate
limits); what each service keeps there lives in its own package.
"""
