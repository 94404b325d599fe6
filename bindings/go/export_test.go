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
