using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Scaling;

/// <summary>
/// Knative's autoscaler tests (knative/serving pkg/autoscaler/scaling/autoscaler_test.go), rewritten in C# on
/// <see cref="KpaController"/>; each test names its Go test. Knative's test decider: target 10 (or as given), panic
/// threshold 2, max scale-up and scale-down rates 10, stable window 60 s, a new decider built at 1 ready pod. Not
/// mappable: excess burst capacity and the activator (WPAI has no activator), the metrics it records, pausing metric
/// collection, pod-counter errors, activation scale.
/// </summary>
public sealed class KpaKnativeCasesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly KpaOptions Test = new() { MaxScaleUpRate = 10, MaxScaleDownRate = 10, PanicThreshold = 2 };

    /// <summary>A decider as Knative's newTestAutoscaler builds it: at one ready pod (not panicking).</summary>
    private sealed class Decider(KpaOptions options, int readyAtStart = 1)
    {
        public KpaState State { get; private set; } = KpaState.Start(readyAtStart, T0);

        public KpaOptions Options { get; set; } = options;

        public int Scale(DateTimeOffset at, int ready, double stable, double panic, double target = 10)
        {
            var d = KpaController.Scale(new KpaInput(at, ready, stable, panic, target), State, Options);
            State = d.Next;
            return d.DesiredPods;
        }

        public void Panic(DateTimeOffset since, int maxPods) => State = State with { PanicTime = since, MaxPanicPods = maxPods };
    }

    [Fact]
    public void TestAutoscalerScaleDownDelay()
    {
        var a = new Decider(new KpaOptions { MaxScaleUpRate = 10, MaxScaleDownRate = 10, PanicThreshold = 100, ScaleDownDelay = TimeSpan.FromMinutes(5) }, readyAtStart: 0);

        // simple
        Assert.Equal(4, a.Scale(T0.AddSeconds(2), 0, 40, 40));
        Assert.Equal(4, a.Scale(T0.AddMinutes(5), 0, 0, 0)); // five minutes at reduced load: still within the delay
        Assert.Equal(0, a.Scale(T0.AddMinutes(5).AddSeconds(2), 0, 0, 0));

        // gradual
        Assert.Equal(4, a.Scale(T0.AddMinutes(9), 0, 40, 40));
        Assert.Equal(4, a.Scale(T0.AddMinutes(10), 0, 30, 30)); // 4 still dominates
        Assert.Equal(4, a.Scale(T0.AddMinutes(11), 0, 0, 0));
        Assert.Equal(3, a.Scale(T0.AddMinutes(14), 0, 0, 0)); // 4 scrolls out
        Assert.Equal(0, a.Scale(T0.AddMinutes(15), 0, 0, 0)); // everything scrolled out
    }

    [Fact]
    public void TestAutoscalerScaleDownDelayZero()
    {
        var a = new Decider(new KpaOptions { MaxScaleUpRate = 10, MaxScaleDownRate = 10, PanicThreshold = 100 }, readyAtStart: 0);
        Assert.Equal(4, a.Scale(T0, 0, 40, 40));
        Assert.Equal(2, a.Scale(T0.AddMilliseconds(500), 0, 20, 20));
    }

    [Fact]
    public void TestAutoscalerStableModeIncreaseWithConcurrencyDefault_AndWithRPS()
    {
        var a = new Decider(Test);
        Assert.Equal(5, a.Scale(T0, 1, 50, 10));
        Assert.Equal(10, a.Scale(T0, 1, 100, 10));
        var rps = new Decider(Test);
        Assert.Equal(5, rps.Scale(T0, 1, 50, 50));
        Assert.Equal(10, rps.Scale(T0, 1, 100, 99));
    }

    [Fact]
    public void TestAutoscalerUnpanicAfterSlowIncrease()
    {
        var a = new Decider(Test);
        var start = T0;
        Assert.Equal(25, a.Scale(start, 10, 11, 25, target: 1));
        Assert.Equal(start, a.State.PanicTime);
        Assert.Equal(41, a.Scale(start.AddSeconds(30), 40, 30, 41, target: 1));
        Assert.Equal(start, a.State.PanicTime); // panic time does not move
        Assert.Equal(50, a.Scale(start.AddSeconds(62), 55, 50, 56, target: 1)); // a stable window and a tick later: no longer in panic
        Assert.Null(a.State.PanicTime);
    }

    [Fact]
    public void TestAutoscalerExtendPanicWindow()
    {
        var a = new Decider(Test);
        Assert.Equal(25, a.Scale(T0, 10, 11, 25, target: 1));
        Assert.Equal(80, a.Scale(T0.AddSeconds(30), 40, 30, 80, target: 1));
        Assert.Equal(T0.AddSeconds(30), a.State.PanicTime);
    }

    [Fact]
    public void TestAutoscalerStableModeDecrease()
    {
        var a = new Decider(Test);
        Assert.Equal(10, a.Scale(T0, 8, 100, 100));
        Assert.Equal(5, a.Scale(T0, 8, 50, 50));
    }

    [Fact]
    public void TestAutoscalerStableModeNoTrafficScaleToZero()
    {
        var a = new Decider(Test);
        Assert.Equal(1, a.Scale(T0, 1, 1, 0));
        Assert.Equal(0, a.Scale(T0, 1, 0, 0));
    }

    [Fact]
    public void TestAutoscalerPanicModeExponentialTrackAndStabilize()
    {
        var a = new Decider(Test);
        Assert.Equal(6, a.Scale(T0, 1, 6, 6, target: 1));
        Assert.Equal(36, a.Scale(T0, 6, 36, 36, target: 1));
        Assert.Equal(216, a.Scale(T0.AddSeconds(1), 36, 216, 216, target: 1));
        Assert.Equal(1296, a.Scale(T0.AddSeconds(1), 216, 1296, 1296, target: 1));
        Assert.Equal(1296, a.Scale(T0.AddSeconds(2), 1296, 1296, 1296, target: 1));
    }

    [Theory]
    [InlineData("AutoscalerNoDataAtZeroNoAutoscale", 10.0, 0.0, 0.0, 1, 0)]
    [InlineData("AutoscalerStableModeUnlimitedTBC", 181.0, 21.0, 26.0, 1, 1)]
    [InlineData("Autoscaler0TBC", 10.0, 50.0, 49.0, 1, 5)]
    [InlineData("AutoscalerStableModeNoChange", 10.0, 50.0, 50.0, 1, 5)]
    [InlineData("AutoscalerStableModeNoChangeAlreadyScaled", 10.0, 50.0, 50.0, 5, 5)]
    [InlineData("AutoscalerPanicModeDoublePodCount", 10.0, 50.0, 100.0, 1, 10)]
    public void TestAutoscalerScale(string goCase, double target, double stable, double panic, int ready, int expected)
    {
        Assert.True(expected == new Decider(Test).Scale(T0, ready, stable, panic, target), goCase);
    }

    [Theory]
    [InlineData("AutoscalerPanicStableLargerThanPanic", 50.0, 30.0, 50)] // the stable value when it is larger
    [InlineData("AutoscalerPanicStableLessThanPanic", 20.0, 30.0, 30)] // the panic value when it is larger
    public void TestAutoscalerScale_InPanic(string goCase, double stable, double panic, int expected)
    {
        var a = new Decider(Test);
        a.Panic(T0.AddSeconds(-5), 5);
        Assert.True(expected == a.Scale(T0, 5, stable, panic, target: 1), goCase);
    }

    [Fact]
    public void TestAutoscalerScale_RatesAndReachability()
    {
        // AutoscalerStableModeIncreaseWithSmallScaleUpRate: at 2 pods a rate of 1.1 still allows one more (ceil(2.2) = 3).
        Assert.Equal(3, new Decider(Test with { MaxScaleUpRate = 1.1 }).Scale(T0, 2, 3, 3.1, target: 1));

        // AutoscalerStableModeDecreaseWithSmallScaleDownRate: 100 pods at rate 1.1 go to floor(100 / 1.1) = 90.
        Assert.Equal(90, new Decider(Test with { MaxScaleDownRate = 1.1 }).Scale(T0, 100, 1, 1));

        // AutoscalerStableModeDecreaseNonReachable: an unreachable revision is not rate limited.
        Assert.Equal(1, new Decider(Test with { MaxScaleDownRate = 1.1, Reachable = false }).Scale(T0, 100, 1, 1));
    }

    [Fact]
    public void TestAutoscalerPanicThenUnPanicScaleDown()
    {
        var a = new Decider(Test);
        Assert.Equal(10, a.Scale(T0.AddSeconds(-1), 1, 100, 100));
        var panicTime = T0;
        Assert.Equal(100, a.Scale(panicTime, 10, 100, 1000));
        Assert.Equal(100, a.Scale(panicTime.AddSeconds(30), 10, 1, 1)); // traffic dropped, still in panic
        Assert.Equal(1, a.Scale(panicTime.AddSeconds(61), 10, 1, 1)); // after the stable window
    }

    [Fact]
    public void TestAutoscalerRateLimitScaleUp_AndScaleDown()
    {
        var up = new Decider(Test);
        Assert.Equal(10, up.Scale(T0, 1, 1000, 1001)); // needs 100, only x10
        Assert.Equal(100, up.Scale(T0, 10, 1000, 1001));
        var down = new Decider(Test);
        Assert.Equal(10, down.Scale(T0, 100, 1, 1)); // needs 1, only /10
        Assert.Equal(1, down.Scale(T0, 10, 1, 1));
    }

    [Fact]
    public void TestAutoscalerUseOnePodAsMinimumIfEndpointsNotFound()
    {
        Assert.Equal(10, new Decider(Test).Scale(T0, 0, 1000, 888));
    }

    [Fact]
    public void TestAutoscalerUpdateTarget()
    {
        var a = new Decider(Test);
        Assert.Equal(10, a.Scale(T0, 1, 100, 101));
        Assert.Equal(100, a.Scale(T0, 10, 100, 101, target: 1));
    }

    [Fact]
    public void TestStartInPanicMode()
    {
        for (var i = 0; i < 2; i++)
        {
            var s = KpaState.Start(i, T0);
            Assert.Null(s.PanicTime);
            Assert.Equal(i, s.MaxPanicPods);
        }

        var two = KpaState.Start(2, T0);
        Assert.NotNull(two.PanicTime);
        Assert.Equal(2, two.MaxPanicPods);
    }
}
