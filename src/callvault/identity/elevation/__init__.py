"""Break-glass: asking for, deciding on and using a time-boxed grant
(``/api/v1/elevations``)."""
