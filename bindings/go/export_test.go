package timdesk

// CoreKinds lists the core's error kinds (name → status) through the C ABI, for tests.
func CoreKinds() map[string]Status {
	kinds := map[string]Status{}
	for _, k := range coreKinds() {
		kinds[k.name] = k.status
	}
	return kinds
}

// KindSentinels are the sentinels of the client error kinds, for tests.
var KindSentinels = kindSentinels

// OptionNames lists the core's client options, for tests.
var OptionNames = optionNames

// Waiting counts the calls whose outcome the client's dispatcher still waits for, for
// tests: a cancelled call must leave none behind.
func Waiting(c *Client) int {
	if c.calls == nil {
		return 0
	}
	c.calls.mu.Lock()
	defer c.calls.mu.Unlock()
	return len(c.calls.waiting)
}
