"""Signal control: scenarios, the controller family (fixed, actuated, max-pressure, hostcity) and evaluation."""
