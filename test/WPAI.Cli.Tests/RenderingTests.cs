using Spectre.Console.Testing;
using WPAI.Abstractions.Contracts;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Tests;

public sealed class RenderingTests
{
    [Fact]
    public void NodeList_Table_ShowsModesAndUsedOfCapacity()
    {
        var output = Render(c => NodeRendering.List(c, [Views.Node(), Views.Node("t4-b", NodeMode.Unnormal, NodeMode.OnlineNormal)]));

        Assert.Equal(
            """
            NODE  POOL  MODE                      GPUS  CPU   MEMORY      ALLOCATIONS
            t4-a  T4    Fixed                     2/4   8/32  64Gi/256Gi  1
            t4-b  T4    Unnormal -> OnlineNormal  2/4   8/32  64Gi/256Gi  1

            """,
            output);
    }

    [Fact]
    public void NodeShow_Table_ListsCapacityAndAllocations()
    {
        var output = Render(c => NodeRendering.Show(c, Views.Node()));

        Assert.Equal(
            """
            Node       t4-a
            Pool       T4
            Mode       Fixed
            Capacity   4 GPU, 32 CPU, 256Gi
            Allocated  2 GPU, 8 CPU, 64Gi
            Free       2 GPU, 24 CPU, 192Gi
            Version    3

            Allocations
            OWNER     KIND         GPUS  CPU  MEMORY  SINCE
            resnet-0  TrainingJob  2     8    64Gi    2026-11-28 20:00:00Z

            """,
            output);
    }

    [Fact]
    public void NodeView_Json_IsExact()
    {
        var json = JsonOutput.Serialize(Views.Node());

        Assert.Equal(
            """
            {
              "spec": {
                "name": "t4-a",
                "pool": "T4",
                "gpus": 4,
                "cpuMilli": 32000,
                "memoryMib": 262144
              },
              "mode": "Fixed",
              "targetMode": null,
              "allocated": {
                "gpus": 2,
                "cpuMilli": 8000,
                "memoryMib": 65536
              },
              "free": {
                "gpus": 2,
                "cpuMilli": 24000,
                "memoryMib": 196608
              },
              "allocations": [
                {
                  "ownerId": "resnet-0",
                  "kind": "TrainingJob",
                  "resources": {
                    "gpus": 2,
                    "cpuMilli": 8000,
                    "memoryMib": 65536
                  },
                  "since": "2026-11-28T20:00:00+00:00",
                  "gpuIndices": []
                }
              ],
              "transitions": [],
              "version": 3,
              "cordoned": false
            }
            """,
            CliRun.Normalize(json));
    }

    [Fact]
    public void JobView_Json_IsExact_AndLeavesOutDerivedMembers()
    {
        var json = JobView(Views.RunningJob());

        Assert.Equal(
            """
            {
              "spec": {
                "jobId": "resnet-1",
                "department": "research",
                "gpuModels": [
                  "T4",
                  "P40"
                ],
                "gpus": 4,
                "cpuMilli": 16000,
                "memoryMib": 65536,
                "duration": "02:00:00",
                "template": "resnet",
                "workload": null,
                "longRunning": false,
                "command": [],
                "workingDirectory": null,
                "environment": null,
                "image": null,
                "maxRetries": 0,
                "gracePeriod": null,
                "checkpointable": false,
                "checkpointGrace": null
              },
              "status": "Running",
              "requested": {
                "gpus": 4,
                "cpuMilli": 16000,
                "memoryMib": 65536
              },
              "placement": {
                "node": "t4-a",
                "pool": "T4",
                "resources": {
                  "gpus": 4,
                  "cpuMilli": 16000,
                  "memoryMib": 65536
                },
                "tier": "Borrowed",
                "startedAt": "2026-11-28T20:13:00+00:00",
                "attempt": 1
              },
              "submittedAt": "2026-11-28T20:00:00+00:00",
              "waitTime": "00:12:30",
              "attempts": 1,
              "preemptedBy": null,
              "explanation": "running on t4-a",
              "effectiveGpuUtilization": 0.4,
              "history": [
                {
                  "at": "2026-11-28T20:00:00+00:00",
                  "kind": "Submitted",
                  "detail": "queued in T4, P40"
                }
              ],
              "runs": [],
              "usage": []
            }
            """,
            json);
    }

    [Fact]
    public void Json_WritesDefaultImmutableArraysAsEmpty()
    {
        var job = Views.PendingJob() with { History = default };

        var json = JobView(job);

        Assert.Contains("\"history\": []", json, StringComparison.Ordinal);
    }

    [Fact]
    public void JobList_Table_IsExact()
    {
        var output = Render(c => JobRendering.List(c, [Views.PendingJob(), Views.RunningJob() with { Spec = Views.Spec("resnet-2") }]));

        Assert.Equal(
            """
            JOB       DEPARTMENT  STATUS   GPUS  MODELS  NODE  TIER      WAITED   ATTEMPTS
            resnet-1  research    Pending  4     T4,P40  -     -         12m 30s  0
            resnet-2  research    Running  4     T4,P40  t4-a  borrowed  12m 30s  1

            """,
            output);
    }

    [Fact]
    public void JobShow_Pending_ExplainsQueuePositionTierAndScore()
    {
        var details = new JobDetails(Views.PendingJob(), [new JobQueuePosition("T4", 5, Views.Queued())]);

        var output = Render(c => JobRendering.Show(c, details));

        Assert.Equal(
            """
            Job              resnet-1
            Department       research
            Status           Pending
            Requested        4 GPU, 16 CPU, 64Gi
            Asked for        4 GPU, 16 CPU, 64Gi
            GPU models       T4, P40
            Duration         2h 00m
            Template         resnet
            Command          -
            Long-running     no
            Checkpointable   no
            Submitted        2026-11-28 20:00:00Z
            Waited           12m 30s
            Attempts         0
            Placement        -
            Preempted by     -
            GPU utilization  -

            Why
              no T4 node has 4 free GPUs; P40 is full
              In pool T4: position 2 of 5, borrowed tier (score 1012.5), waited 12m 30s: no node has 4 free GPUs

            History
            AT                    EVENT      DETAIL
            2026-11-28 20:00:00Z  Submitted  queued in T4, P40

            """,
            output);
    }

    [Fact]
    public void JobShow_Json_IncludesTheQueuePositions()
    {
        var details = new JobDetails(Views.PendingJob(), [new JobQueuePosition("T4", 5, Views.Queued())]);

        var json = CliRun.Normalize(JsonOutput.Serialize(details));

        Assert.Contains(
            """
              "queue": [
                {
                  "pool": "T4",
                  "queueLength": 5,
                  "entry": {
                    "jobId": "resnet-1",
                    "department": "research",
                    "request": {
                      "gpus": 4,
                      "cpuMilli": 16000,
                      "memoryMib": 65536
                    },
                    "position": 2,
                    "score": 1012.5,
                    "tier": "Borrowed",
                    "waited": "00:12:30",
                    "reason": "no node has 4 free GPUs"
                  }
                }
              ]
            """,
            json,
            StringComparison.Ordinal);
    }

    [Fact]
    public void DeptList_Table_IsExact()
    {
        var output = Render(c => DepartmentRendering.List(c, [Views.Department()]));

        Assert.Equal(
            """
            DEPARTMENT  QUOTA        OWN  BORROWED  RUNNING  UTILIZATION  ADVICE
            research    P40=4, T4=8  4    2         1        90%          T4=6

            """,
            output);
    }

    [Fact]
    public void PoolShow_Table_ListsTheQueueWithScores()
    {
        var output = Render(c => PoolRendering.Show(c, Views.Pool("T4", Views.Queued("resnet-1", 1))));

        Assert.Equal(
            """
            Pool         T4
            Nodes        2
            Capacity     8 GPU, 64 CPU, 512Gi
            Free         2 GPU, 40 CPU, 384Gi
            Queued       1
            Placements   10
            Preemptions  1

            Departments
            DEPARTMENT  QUOTA  OWN  BORROWED
            research    8      4    2

            Queue
            POS  JOB       DEPARTMENT  GPUS  TIER      SCORE   WAITED   REASON
            1    resnet-1  research    4     borrowed  1012.5  12m 30s  no node has 4 free GPUs

            """,
            output);
    }

    [Fact]
    public void EmptyLists_SayHowToStart()
    {
        Assert.Equal("No nodes. Register one with: ./wpai node add NAME --pool T4 --gpus 4 --cpu 32 --memory 256Gi\n", Render(c => NodeRendering.List(c, [])));
        Assert.Equal("No jobs.\n", Render(c => JobRendering.List(c, [])));
    }

    [Fact]
    public async Task OutputJson_ThroughTheCli_PrintsTheViewUnwrapped()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "node", "show", "t4-a", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(CliRun.Normalize(JsonOutput.Serialize(Views.Node())) + "\n", run.Output);
    }

    private static string JobView(JobView job) => CliRun.Normalize(JsonOutput.Serialize(job));

    private static string Render(Action<TestConsole> render)
    {
        using var console = new TestConsole().Width(200);
        render(console);
        return CliRun.Normalize(console.Output);
    }
}
