"""The quickest way out: venue graphs, live crowding, and exit routes that account for queues."""
