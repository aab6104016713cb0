// Each test here runs a whole cluster (several in-process nodes, or four to five node processes killed with -9).
// Run side by side on two cores they starve each other's failure detectors and time out; one at a time they do not.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
