"""Signal control: scenarios, controllers (fixed, actuated, max-pressure, hostcity), evaluation."""
