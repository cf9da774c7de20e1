"""The transport network as data: hubs, lanes, departures and their units, delivery estimates."""
