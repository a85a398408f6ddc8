"""AWS network reachability: network nodes, ports, routes, NACLs, security groups."""
