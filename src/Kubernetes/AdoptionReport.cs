namespace WPAI.Kubernetes;

/// <summary>
/// What the driver found when it first listed the pods after starting: its pods of running jobs (adopted), running jobs
/// without a pod (their pod created again), and pods of jobs that no longer run that attempt (deleted).
/// </summary>
public sealed record AdoptionReport(int Adopted, int Recreated, int OrphansDeleted);
