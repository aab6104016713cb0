// Two tests at a time, one from each lane (Support/TestLanes.cs); inside a lane one at a time. Every test runs a whole
// cluster: two lanes fill the waits of paced jobs and failure detection, more would starve the failure detectors on
// two cores.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
[assembly: TestCollectionOrderer("RainStorm.Integration.Tests.Support.LongestLaneFirst", "RainStorm.Integration.Tests")]
