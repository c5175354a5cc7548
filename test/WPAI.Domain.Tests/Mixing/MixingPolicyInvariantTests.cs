using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>The policy's invariants on many random pools (seeded, so a failure reproduces).</summary>
public sealed class MixingPolicyInvariantTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 20)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Decide_OnRandomPools_KeepsItsInvariants(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var settings = RandomSettings(random);
            var snapshot = RandomSnapshot(random);
            var plan = MixingPolicy.Decide(settings, snapshot);
            var byName = snapshot.Nodes.ToDictionary(n => n.Name);
            var context = $"seed {seed} round {round}: {plan.Summary}";

            // Lends only online nodes, reclaims only lent ones, each node at most once, never both directions at once.
            Assert.All(plan.Handovers, h => Assert.Equal(h.Target == NodeMode.OfflineNormal ? NodeMode.OnlineNormal : NodeMode.OfflineNormal, byName[h.Node].Mode));
            Assert.Equal(plan.Handovers.Length, plan.Handovers.Select(h => h.Node).Distinct().Count());
            Assert.False(plan.Handovers.Any(h => h.Target == NodeMode.OfflineNormal) && plan.Handovers.Any(h => h.Target == NodeMode.OnlineNormal), context);
            Assert.True(settings.Policy != MixingPolicyKind.Off || plan.Handovers.All(h => h.Target == NodeMode.OnlineNormal), context);

            // Lending keeps the pool's demand below the band's midpoint (threshold) or at most MaxRate (window), and
            // never lends a node inside its dwell time.
            var lent = plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => byName[h.Node]).ToList();
            if (lent.Count > 0)
            {
                var after = plan.OnlineGpus - lent.Sum(n => n.Gpus);
                var limit = settings.Policy == MixingPolicyKind.Threshold ? (settings.MinRate + settings.MaxRate) / 2 : settings.MaxRate;
                var rate = MixingPolicy.Rate(snapshot.DemandGpus, after);
                Assert.True(settings.Policy == MixingPolicyKind.Threshold ? rate < limit : rate <= limit, context);
                Assert.All(lent, n => Assert.True(n.LastChange is null || Now - n.LastChange >= settings.MinDwell, context));
                Assert.True(plan.UsageRate <= settings.MaxRate, context);
            }

            // The expected reclaim times concern lent nodes only and are never in the past.
            Assert.All(plan.ReclaimBy, kv =>
            {
                Assert.True(byName[kv.Key].IsLent || lent.Contains(byName[kv.Key]), context);
                Assert.True(kv.Value >= Now, context);
            });
            Assert.True(settings.AvoidDoomedPlacement || plan.ReclaimBy.IsEmpty, context);
        }
    }

    private static MixingSettings RandomSettings(Random random)
    {
        var min = Math.Round(random.NextDouble() * 0.5, 2);
        var max = Math.Round(min + 0.05 + (random.NextDouble() * (0.95 - min)), 2);
        return MixingSettings.Default with
        {
            Policy = (MixingPolicyKind)random.Next(3),
            MinRate = min,
            MaxRate = Math.Min(max, 1),
            MinDwell = TimeSpan.FromMinutes(random.Next(0, 60)),
            ReclaimAhead = random.Next(2) == 0,
            AvoidDoomedPlacement = random.Next(2) == 0,
            WindowStart = new TimeOnly(random.Next(24), 0),
            WindowEnd = new TimeOnly(random.Next(24), 30),
        };
    }

    private static MixingSnapshot RandomSnapshot(Random random)
    {
        var nodes = ImmutableArray.CreateBuilder<MixingNode>();
        var replicaGpus = 0;
        for (var i = 0; i < random.Next(1, 9); i++)
        {
            var gpus = random.Next(1, 9);
            var mode = (NodeMode)random.Next(5);
            NodeMode? target = mode == NodeMode.Unnormal ? (random.Next(2) == 0 ? NodeMode.OnlineNormal : NodeMode.OfflineNormal) : null;
            var replicas = mode == NodeMode.OnlineNormal ? random.Next(gpus + 1) : 0;
            replicaGpus += replicas;
            var jobs = mode == NodeMode.OfflineNormal
                ? Enumerable.Range(0, random.Next(3)).Select(j => new TrainingRun($"j{i}-{j}", random.Next(1, 3), Now.AddMinutes(-random.Next(600)))).ToImmutableArray()
                : [];
            DateTimeOffset? changed = random.Next(3) == 0 ? null : Now.AddMinutes(-random.Next(120));
            nodes.Add(new MixingNode($"n{i}", mode, target, gpus, replicas, jobs, changed));
        }

        var pending = Enumerable.Range(0, random.Next(3) == 0 ? random.Next(1, 4) : 0).Select(_ => random.Next(1, 3)).ToImmutableArray();
        var forecast = Enumerable.Range(1, random.Next(0, 30)).Select(k => new DemandPoint(Now.AddMinutes(10 * k), random.Next(0, 40))).ToImmutableArray();
        return new MixingSnapshot(Now, nodes.ToImmutable(), replicaGpus + pending.Sum(), pending, forecast);
    }
}
