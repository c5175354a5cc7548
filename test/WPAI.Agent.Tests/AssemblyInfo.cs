// The agent and serving collections each start a silo and node agents (the serving one, model servers too): run them
// one after the other, so their heartbeat timeouts and readiness waits do not compete for the same cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
