namespace WPAI.Kubernetes.Tests;

/// <summary>Pure reading of pod statuses: which waiting reasons are the job's, which failures the node's, which deletions evictions.</summary>
public sealed class PodTranslationTests
{
    [Theory]
    [InlineData("ErrImagePull", true, false)]
    [InlineData("ImagePullBackOff", true, false)]
    [InlineData("RegistryUnavailable", true, false)]
    [InlineData("CreateContainerConfigError", true, false)]
    [InlineData("CreateContainerError", true, false)]
    [InlineData("InvalidImageName", true, true)]
    [InlineData("ErrImageNeverPull", true, true)]
    public void WaitingReason_IsAStartProblem_OfTheJob(string reason, bool jobSide, bool permanent)
    {
        var observed = Observe(Pending(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = "m" } }));
        Assert.Equal(new PodStartProblem(reason, "m", jobSide, permanent), observed.StartProblem);
        Assert.Equal(PodRunState.Pending, observed.State);
    }

    [Theory]
    [InlineData("ContainerCreating")]
    [InlineData("PodInitializing")]
    public void OrdinaryWaiting_IsNoProblem(string reason) =>
        Assert.Null(Observe(Pending(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason } })).StartProblem);

    [Fact]
    public void UnschedulableCondition_IsTheNodesProblem()
    {
        var pod = Pending(null);
        pod.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/3 nodes" }];
        Assert.Equal(new PodStartProblem("Unschedulable", "0/3 nodes", JobSide: false, Permanent: false), Observe(pod).StartProblem);
    }

    [Theory]
    [InlineData("OutOfnvidia.com/gpu", true)]
    [InlineData("OutOfcpu", true)]
    [InlineData("UnexpectedAdmissionError", true)]
    [InlineData("Evicted", true)]
    [InlineData("NodeAffinity", true)]
    [InlineData("DeadlineExceeded", false)]
    public void FailedPodReason_SaysWhetherTheNodeRefusedIt(string reason, bool refused)
    {
        var pod = Pending(null);
        pod.Status = new V1PodStatus { Phase = "Failed", Reason = reason, Message = "why" };
        var observed = Observe(pod);
        Assert.Equal(PodRunState.Failed, observed.State);
        Assert.Equal(refused, observed.NodeRefused);
        Assert.Equal(refused ? $"pod wpai-j-1 was refused by node gpu-1: {reason} why" : $"pod wpai-j-1: {reason} why", observed.Detail);
    }

    [Fact]
    public void DisruptionTarget_NamesTheEviction()
    {
        var pod = Pending(null);
        pod.Status.Conditions = [new V1PodCondition { Type = "DisruptionTarget", Status = "True", Reason = "DeletionByTaintManager", Message = "Taint manager: deleting due to NoExecute taint" }];
        Assert.Equal("DeletionByTaintManager: Taint manager: deleting due to NoExecute taint", Observe(pod).Disruption);
        Assert.Null(Observe(Pending(null)).Disruption);
    }

    private static ObservedPod Observe(V1Pod pod) => PodTranslation.Observe(pod, "wpai")!;

    private static V1Pod Pending(V1ContainerState? state) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "wpai-j-1",
            Labels = new Dictionary<string, string> { [KubernetesNames.AttemptLabel] = "1" },
            Annotations = new Dictionary<string, string> { [KubernetesNames.OwnerAnnotation] = "wpai", [KubernetesNames.JobIdAnnotation] = "j" },
        },
        Spec = new V1PodSpec { NodeName = "gpu-1", Containers = [new V1Container { Name = "job", Image = "x" }] },
        Status = new V1PodStatus
        {
            Phase = "Pending",
            ContainerStatuses = state is null ? null : [new V1ContainerStatus { Name = "job", State = state, Image = "x", ImageID = string.Empty, Ready = false, RestartCount = 0 }],
        },
    };
}
