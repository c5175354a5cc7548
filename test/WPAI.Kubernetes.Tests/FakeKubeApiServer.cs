using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// A STAND-IN for the Kubernetes API server (none can run here), over real HTTP on a free loopback port, so that the
/// real KubernetesClient talks to it. It serves the subset of the core/v1 REST API the WPAI driver uses, with the real
/// API's semantics as documented: nodes list/watch/get/patch (JSON merge patch); pods and services
/// create/get/delete/list/watch in a namespace; one global resourceVersion (a precondition when a patch carries it); label selectors (equality-based);
/// 409 AlreadyExists on a duplicate name and 404 NotFound on a missing object, as Status objects; watches from a
/// resourceVersion replay every later event and then stream; a watch from a version older than the retained history
/// gets an ERROR event carrying a 410 Expired Status; BOOKMARK events on request; <c>timeoutSeconds</c> ends a watch.
/// A graceful pod deletion sets <c>deletionTimestamp</c> (MODIFIED) and the pod stays until the test, playing the
/// kubelet, calls <see cref="FinishDeletions"/>. With <see cref="ServeMetricsApi"/> it also serves metrics-server's
/// <c>metrics.k8s.io/v1beta1</c> PodMetrics list of a namespace (404 otherwise, as a cluster without metrics-server). Not covered: authentication, field selectors, set-based selectors,
/// paging (<c>limit</c>/<c>continue</c>), strategic merge patch, server-side apply, admission.
/// </summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<StoredEvent> _history = [];
    private readonly List<Subscriber> _subscribers = [];
    private readonly Dictionary<string, (string Cpu, string Memory)> _podMetrics = new(StringComparer.Ordinal);
    private long _version = 1000;
    private long _oldestWatchable = 1000;
    private WebApplication? _app;

    /// <summary>The newest resourceVersion the server handed out (what a bookmark sent now carries).</summary>
    public string CurrentVersion
    {
        get
        {
            lock (_gate)
            {
                return Version(_version);
            }
        }
    }

    /// <summary>The server's base address (http://127.0.0.1:PORT).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every request as "METHOD path?query", oldest first.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every pod deletion: (namespace/name, grace period in seconds or null when none was given).</summary>
    public ConcurrentQueue<(string Pod, long? GraceSeconds)> Deletions { get; } = new();

    /// <summary>How many creates were refused with 409 AlreadyExists.</summary>
    public int Conflicts { get; private set; }

    /// <summary>How many patches were refused with 409 Conflict (a stale resourceVersion).</summary>
    public int PatchConflicts { get; private set; }

    public async Task StartAsync()
    {
        (_app, Url) = await LoopbackWebApp.StartAsync(app => app.Run(HandleAsync));
    }

    public async ValueTask DisposeAsync()
    {
        DropWatches();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A kubeconfig file that points at this server (a bearer token the stand-in does not check).</summary>
    public string WriteKubeConfig(string directory)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stand-in
              cluster:
                server: {{Url.ToString().TrimEnd('/')}}
            users:
            - name: wpai
              user:
                token: stand-in-token
            contexts:
            - name: stand-in
              context:
                cluster: stand-in
                user: wpai
            current-context: stand-in
            """);
        return path;
    }

    // ---- what a test does as the cluster (nodes, kubelet, other users) ----

    public void AddNode(string name, IReadOnlyDictionary<string, string> labels, int gpus, string cpu, string memory, bool ready = true)
    {
        var allocatable = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = "110" };
        if (gpus > 0)
        {
            allocatable["nvidia.com/gpu"] = gpus.ToString(CultureInfo.InvariantCulture);
        }

        var node = new JsonObject
        {
            ["kind"] = "Node",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = ToJson(labels) },
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject
            {
                ["allocatable"] = allocatable,
                ["capacity"] = allocatable.DeepClone(),
                ["conditions"] = new JsonArray(Condition(ready)),
            },
        };
        lock (_gate)
        {
            Store("nodes", null, name, node, "ADDED");
        }
    }

    public void SetNodeReady(string name, bool ready) => Mutate("nodes", null, name, n => n["status"]!["conditions"] = new JsonArray(Condition(ready)));

    public void Cordon(string name, bool cordoned) => Mutate("nodes", null, name, n => n["spec"]!["unschedulable"] = cordoned);

    public void DeleteNode(string name)
    {
        lock (_gate)
        {
            Remove("nodes", null, name);
        }
    }

    /// <summary>
    /// The kubelet's report: a pod's phase (Running means ready, at pod IP 127.0.0.1), with a terminated container
    /// (exit code, reason) for Succeeded and Failed.
    /// </summary>
    public void SetPodPhase(string ns, string name, string phase, int? exitCode = null, string? reason = null) =>
        Mutate("pods", ns, name, pod =>
        {
            var container = pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>();
            JsonObject state = phase switch
            {
                "Running" => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2026-03-02T08:00:00Z" } },
                "Succeeded" or "Failed" => new JsonObject
                {
                    ["terminated"] = new JsonObject { ["exitCode"] = exitCode ?? (phase == "Succeeded" ? 0 : 1), ["reason"] = reason ?? (phase == "Succeeded" ? "Completed" : "Error") },
                },
                _ => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
            };
            pod["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["podIP"] = "127.0.0.1",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = phase == "Running" ? "True" : "False" }),
                ["containerStatuses"] = new JsonArray(new JsonObject { ["name"] = container, ["ready"] = phase == "Running", ["restartCount"] = 0, ["image"] = "x", ["imageID"] = string.Empty, ["state"] = state }),
            };
        });

    /// <summary>The kubelet cannot start the pod's container: phase Pending, the container waiting with <paramref name="reason"/> (e.g. ImagePullBackOff).</summary>
    public void SetPodWaiting(string ns, string name, string reason, string message) =>
        Mutate("pods", ns, name, pod =>
        {
            var container = pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>();
            pod["status"] = new JsonObject
            {
                ["phase"] = "Pending",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" }, new JsonObject { ["type"] = "Ready", ["status"] = "False" }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container, ["ready"] = false, ["restartCount"] = 0, ["image"] = "x", ["imageID"] = string.Empty,
                    ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } },
                }),
            };
        });

    /// <summary>The pod's <c>PodScheduled</c> condition is False with reason Unschedulable (phase Pending).</summary>
    public void SetPodUnschedulable(string ns, string name, string message) =>
        Mutate("pods", ns, name, pod => pod["status"] = new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable", ["message"] = message }),
        });

    /// <summary>The kubelet refuses the pod at admission (or evicts it): phase Failed with a pod-level reason, no container ran.</summary>
    public void RejectPod(string ns, string name, string reason, string message) =>
        Mutate("pods", ns, name, pod => pod["status"] = new JsonObject { ["phase"] = "Failed", ["reason"] = reason, ["message"] = message });

    /// <summary>Whether the metrics API (<c>metrics.k8s.io/v1beta1</c>, as metrics-server serves it) is served; off: 404 as on a cluster without it.</summary>
    public bool ServeMetricsApi { get; set; }

    /// <summary>What metrics-server reports for a pod (one container named as the pod's first), e.g. cpu "1500m" or "1500000000n", memory "6Gi".</summary>
    public void SetPodMetrics(string ns, string name, string cpu, string memory)
    {
        lock (_gate)
        {
            _podMetrics[$"{ns}/{name}"] = (cpu, memory);
        }
    }

    /// <summary>
    /// Kubernetes evicts a pod (<c>kubectl drain</c>'s Eviction API, the taint manager for a NotReady node, …): the pod's
    /// <c>DisruptionTarget</c> condition is set with <paramref name="reason"/>, then the pod is deleted.
    /// </summary>
    public void Evict(string ns, string name, string reason, string message)
    {
        lock (_gate)
        {
            Mutate("pods", ns, name, pod =>
            {
                var status = pod["status"] as JsonObject ?? [];
                var conditions = status["conditions"] as JsonArray ?? [];
                conditions.Add(new JsonObject { ["type"] = "DisruptionTarget", ["status"] = "True", ["reason"] = reason, ["message"] = message });
                status["conditions"] = conditions.DeepClone();
                pod["status"] = status.DeepClone();
            });
            Remove("pods", ns, name);
        }
    }

    /// <summary>Someone else changes an object (a JSON merge patch, as <c>kubectl patch --type merge</c>).</summary>
    public void Patch(string resource, string? ns, string name, JsonObject patch) => Mutate(resource, ns, name, o => MergePatch(o, patch));

    /// <summary>Someone else deletes a pod at once (as <c>kubectl delete pod --grace-period=0 --force</c> does).</summary>
    public void DeletePodNow(string ns, string name)
    {
        lock (_gate)
        {
            Remove("pods", ns, name);
        }
    }

    /// <summary>The kubelet finishes every graceful pod deletion (the containers stopped); returns how many pods went.</summary>
    public int FinishDeletions()
    {
        lock (_gate)
        {
            var terminating = _objects.Where(o => o.Key.StartsWith("pods/", StringComparison.Ordinal) && o.Value["metadata"]?["deletionTimestamp"] is not null).Select(o => o.Key).ToList();
            foreach (var key in terminating)
            {
                var parts = key.Split('/');
                Remove("pods", parts[1], parts[2]);
            }

            return terminating.Count;
        }
    }

    /// <summary>
    /// Forgets the event history up to <paramref name="upTo"/> (by default all of it, up to now), as etcd compacts at a
    /// revision: a watch resumed from a version before that is answered 410 Gone; one resumed from it or later still
    /// gets the events after it.
    /// </summary>
    public void CompactHistory(string? upTo = null)
    {
        lock (_gate)
        {
            var revision = upTo is null ? _version : long.Parse(upTo, CultureInfo.InvariantCulture);
            _history.RemoveAll(e => e.Version <= revision);
            _oldestWatchable = Math.Max(_oldestWatchable, revision);
        }
    }

    /// <summary>Cuts every open watch connection (the client sees the stream break, not a clean end).</summary>
    public void DropWatches()
    {
        lock (_gate)
        {
            foreach (var s in _subscribers)
            {
                s.Drop.Cancel();
            }
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var s in _subscribers.Where(s => s.Bookmarks))
            {
                var bookmark = new JsonObject { ["kind"] = s.Kind, ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = Version(_version) } };
                s.Lines.Writer.TryWrite(Line("BOOKMARK", bookmark));
            }
        }
    }

    /// <summary>How many watch connections are open now.</summary>
    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public JsonObject? Get(string resource, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(Key(resource, ns, name), out var o) ? (JsonObject)o.DeepClone() : null;
        }
    }

    public IReadOnlyList<JsonObject> List(string resource, string? ns = null)
    {
        lock (_gate)
        {
            return [.. _objects.Where(o => o.Key.StartsWith(resource + "/" + (ns is null ? string.Empty : ns + "/"), StringComparison.Ordinal)).Select(o => (JsonObject)o.Value.DeepClone())];
        }
    }

    // ---- the REST API ----

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        var segments = request.Path.Value!.Trim('/').Split('/');
        if (segments is ["apis", "metrics.k8s.io", "v1beta1", "namespaces", var metricsNs, "pods"] && request.Method == "GET" && ServeMetricsApi)
        {
            await WriteJsonAsync(context, 200, PodMetricsList(metricsNs));
            return;
        }

        if (segments is not ["api", "v1", ..])
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({request.Path})");
            return;
        }

        var (resource, ns, name) = segments[2..] switch
        {
            ["nodes"] => ("nodes", (string?)null, (string?)null),
            ["nodes", var n] => ("nodes", null, n),
            ["namespaces", var s, var r] => (r, s, null),
            ["namespaces", var s, var r, var n] => (r, s, n),
            _ => (string.Empty, null, null),
        };
        if (resource is not ("nodes" or "pods" or "services"))
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({request.Path})");
            return;
        }

        switch (request.Method, name)
        {
            case ("GET", null) when request.Query["watch"] is ["true" or "1"]:
                await WatchAsync(context, resource, ns);
                break;
            case ("GET", null):
                await ListAsync(context, resource, ns);
                break;
            case ("GET", _):
                await ReadAsync(context, resource, ns, name);
                break;
            case ("POST", null) when ns is not null:
                await CreateAsync(context, resource, ns);
                break;
            case ("DELETE", not null) when ns is not null:
                await DeleteAsync(context, resource, ns, name);
                break;
            case ("PATCH", not null):
                await PatchAsync(context, resource, ns, name);
                break;
            default:
                await WriteStatusAsync(context, 405, "MethodNotAllowed", $"{request.Method} is not supported on {request.Path} by the stand-in");
                break;
        }
    }

    /// <summary>A PodMetricsList as metrics-server answers: one item per pod that has metrics and still exists.</summary>
    private JsonObject PodMetricsList(string ns)
    {
        lock (_gate)
        {
            var items = new JsonArray();
            foreach (var ((key, usage), pod) in _podMetrics.Select(m => (m, _objects.GetValueOrDefault(Key("pods", ns, m.Key.Split('/')[1])))))
            {
                if (!key.StartsWith(ns + "/", StringComparison.Ordinal) || pod is null)
                {
                    continue;
                }

                items.Add(new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = pod["metadata"]!["name"]!.DeepClone(), ["namespace"] = ns, ["creationTimestamp"] = "2026-03-02T09:00:00Z" },
                    ["timestamp"] = "2026-03-02T09:00:00Z",
                    ["window"] = "15s",
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = pod["spec"]!["containers"]![0]!["name"]!.DeepClone(),
                        ["usage"] = new JsonObject { ["cpu"] = usage.Cpu, ["memory"] = usage.Memory },
                    }),
                });
            }

            return new JsonObject { ["kind"] = "PodMetricsList", ["apiVersion"] = "metrics.k8s.io/v1beta1", ["metadata"] = new JsonObject(), ["items"] = items };
        }
    }

    private async Task ListAsync(HttpContext context, string resource, string? ns)
    {
        var selector = LabelSelector.Parse(context.Request.Query["labelSelector"]);
        JsonObject list;
        lock (_gate)
        {
            var items = new JsonArray([.. Matching(resource, ns, selector).Select(o => (JsonNode)o.DeepClone())]);
            list = new JsonObject
            {
                ["kind"] = KindOf(resource) + "List",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = Version(_version) },
                ["items"] = items,
            };
        }

        await WriteJsonAsync(context, 200, list);
    }

    private async Task WatchAsync(HttpContext context, string resource, string? ns)
    {
        var query = context.Request.Query;
        var selector = LabelSelector.Parse(query["labelSelector"]);
        var from = long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var v) ? v : 0;
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
        var subscriber = new Subscriber(resource, KindOf(resource), ns, selector, query["allowWatchBookmarks"] is ["true"]);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        lock (_gate)
        {
            if (from == 0)
            {
                // No version: the current objects as ADDED, then what follows.
                foreach (var o in Matching(resource, ns, selector))
                {
                    subscriber.Lines.Writer.TryWrite(Line("ADDED", o));
                }
            }
            else if (from < _oldestWatchable)
            {
                subscriber.Lines.Writer.TryWrite(Line("ERROR", StatusObject(410, "Expired", $"too old resource version: {from} ({_oldestWatchable})")));
                subscriber.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var e in _history.Where(e => e.Version > from && e.Resource == resource && (ns is null || e.Namespace == ns) && selector.Matches(e.Object)))
                {
                    subscriber.Lines.Writer.TryWrite(Line(e.Type, e.Object));
                }
            }

            _subscribers.Add(subscriber);
        }

        using var timeoutSource = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeoutSource.Token, subscriber.Drop.Token);
        try
        {
            await context.Response.StartAsync(linked.Token);
            await foreach (var line in subscriber.Lines.Reader.ReadAllAsync(linked.Token))
            {
                await context.Response.WriteAsync(line, linked.Token);
                await context.Response.Body.FlushAsync(linked.Token);
            }
        }
        catch (OperationCanceledException)
        {
            if (subscriber.Drop.IsCancellationRequested)
            {
                context.Abort(); // a broken connection, not a clean end of the stream
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(subscriber);
            }

            subscriber.Drop.Dispose();
        }
    }

    private async Task ReadAsync(HttpContext context, string resource, string? ns, string name)
    {
        var found = Get(resource, ns, name);
        if (found is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"{resource} \"{name}\" not found", name, resource);
            return;
        }

        await WriteJsonAsync(context, 200, found);
    }

    private async Task CreateAsync(HttpContext context, string resource, string ns)
    {
        var body = await ReadBodyAsync(context);
        var name = body?["metadata"]?["name"]?.GetValue<string>();
        if (body is null || string.IsNullOrEmpty(name))
        {
            await WriteStatusAsync(context, 422, "Invalid", $"{KindOf(resource)} is invalid: metadata.name: Required value");
            return;
        }

        JsonObject created;
        lock (_gate)
        {
            if (_objects.ContainsKey(Key(resource, ns, name)))
            {
                Conflicts++;
                created = null!;
            }
            else
            {
                var meta = (JsonObject)body["metadata"]!;
                meta["namespace"] = ns;
                meta["uid"] = Guid.NewGuid().ToString();
                meta["creationTimestamp"] = "2026-03-02T08:00:00Z";
                body["kind"] = KindOf(resource);
                body["apiVersion"] = "v1";
                if (resource == "pods")
                {
                    body["status"] = new JsonObject { ["phase"] = "Pending" };
                }

                created = Store(resource, ns, name, body, "ADDED");
            }
        }

        if (created is null)
        {
            await WriteStatusAsync(context, 409, "AlreadyExists", $"{resource} \"{name}\" already exists", name, resource);
            return;
        }

        await WriteJsonAsync(context, 201, created);
    }

    private async Task DeleteAsync(HttpContext context, string resource, string ns, string name)
    {
        var body = await ReadBodyAsync(context);
        long? grace = long.TryParse(context.Request.Query["gracePeriodSeconds"], CultureInfo.InvariantCulture, out var g) ? g : null;
        grace ??= body?["gracePeriodSeconds"]?.GetValue<long>();
        JsonObject? result;
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(resource, ns, name), out var existing))
            {
                result = null;
            }
            else if (resource == "pods")
            {
                Deletions.Enqueue(($"{ns}/{name}", grace));
                var effective = grace ?? existing["spec"]?["terminationGracePeriodSeconds"]?.GetValue<long>() ?? 30;
                var phase = existing["status"]?["phase"]?.GetValue<string>();
                var bound = existing["spec"]?["nodeName"] is not null;
                if (effective > 0 && bound && phase is not ("Succeeded" or "Failed"))
                {
                    result = existing["metadata"]?["deletionTimestamp"] is not null
                        ? (JsonObject)existing.DeepClone()
                        : Mutate(resource, ns, name, p =>
                        {
                            p["metadata"]!["deletionTimestamp"] = "2026-03-02T09:00:00Z";
                            p["metadata"]!["deletionGracePeriodSeconds"] = effective;
                        });
                }
                else
                {
                    result = Remove(resource, ns, name);
                }
            }
            else
            {
                result = Remove(resource, ns, name);
            }
        }

        if (result is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"{resource} \"{name}\" not found", name, resource);
            return;
        }

        await WriteJsonAsync(context, 200, result);
    }

    private async Task PatchAsync(HttpContext context, string resource, string? ns, string name)
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal))
        {
            await WriteStatusAsync(context, 415, "UnsupportedMediaType", $"the stand-in applies JSON merge patches only (got {contentType})");
            return;
        }

        var patch = await ReadBodyAsync(context);
        JsonObject? result = null;
        var conflict = false;
        lock (_gate)
        {
            if (_objects.TryGetValue(Key(resource, ns, name), out var current) && patch is not null)
            {
                // A resourceVersion in the patch is a precondition, as on a real API server.
                var expected = patch["metadata"]?["resourceVersion"]?.GetValue<string>();
                conflict = expected is not null && expected != current["metadata"]!["resourceVersion"]!.GetValue<string>();
                if (conflict)
                {
                    PatchConflicts++;
                }
                else
                {
                    result = Mutate(resource, ns, name, o => MergePatch(o, patch));
                }
            }
        }

        if (conflict)
        {
            await WriteStatusAsync(context, 409, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", name, resource);
            return;
        }

        if (result is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"{resource} \"{name}\" not found", name, resource);
            return;
        }

        await WriteJsonAsync(context, 200, result);
    }

    /// <summary>RFC 7386: objects merge key by key, null removes, anything else replaces (arrays whole).</summary>
    private static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject child && target[key] is JsonObject existing)
            {
                MergePatch(existing, child);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    // ---- storage and events (callers hold _gate) ----

    private JsonObject Mutate(string resource, string? ns, string name, Action<JsonObject> change)
    {
        lock (_gate)
        {
            var key = Key(resource, ns, name);
            var o = (JsonObject)_objects[key].DeepClone();
            change(o);
            return Store(resource, ns, name, o, "MODIFIED");
        }
    }

    private JsonObject Store(string resource, string? ns, string name, JsonObject o, string type)
    {
        _version++;
        o["metadata"]!["resourceVersion"] = Version(_version);
        _objects[Key(resource, ns, name)] = o;
        Publish(new StoredEvent(_version, type, resource, ns, (JsonObject)o.DeepClone()));
        return (JsonObject)o.DeepClone();
    }

    private JsonObject? Remove(string resource, string? ns, string name)
    {
        if (!_objects.Remove(Key(resource, ns, name), out var o))
        {
            return null;
        }

        _version++;
        o["metadata"]!["resourceVersion"] = Version(_version);
        Publish(new StoredEvent(_version, "DELETED", resource, ns, o));
        return (JsonObject)o.DeepClone();
    }

    private void Publish(StoredEvent e)
    {
        _history.Add(e);
        foreach (var s in _subscribers.Where(s => s.Resource == e.Resource && (s.Namespace is null || s.Namespace == e.Namespace) && s.Selector.Matches(e.Object)))
        {
            s.Lines.Writer.TryWrite(Line(e.Type, e.Object));
        }
    }

    private IEnumerable<JsonObject> Matching(string resource, string? ns, LabelSelector selector) =>
        _objects.Where(o => o.Key.StartsWith(resource + "/" + (ns is null ? string.Empty : ns + "/"), StringComparison.Ordinal))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => o.Value)
            .Where(selector.Matches);

    private static string Key(string resource, string? ns, string name) => ns is null ? $"{resource}/{name}" : $"{resource}/{ns}/{name}";

    private static string KindOf(string resource) => resource switch
    {
        "nodes" => "Node",
        "pods" => "Pod",
        _ => "Service",
    };

    private static string Version(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Line(string type, JsonObject o) => new JsonObject { ["type"] = type, ["object"] = o.DeepClone() }.ToJsonString() + "\n";

    private static JsonObject Condition(bool ready) => new() { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["reason"] = ready ? "KubeletReady" : "KubeletNotReady" };

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels)
        {
            o[k] = v;
        }

        return o;
    }

    private static JsonObject StatusObject(int code, string reason, string message, string? name = null, string? kind = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (name is not null)
        {
            status["details"] = new JsonObject { ["name"] = name, ["kind"] = kind };
        }

        return status;
    }

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
    }

    private static Task WriteStatusAsync(HttpContext context, int code, string reason, string message, string? name = null, string? kind = null) =>
        WriteJsonAsync(context, code, StatusObject(code, reason, message, name, kind));

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonObject body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed record StoredEvent(long Version, string Type, string Resource, string? Namespace, JsonObject Object);

    private sealed class Subscriber(string resource, string kind, string? ns, LabelSelector selector, bool bookmarks)
    {
        public string Resource { get; } = resource;

        public string Kind { get; } = kind;

        public string? Namespace { get; } = ns;

        public LabelSelector Selector { get; } = selector;

        public bool Bookmarks { get; } = bookmarks;

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

        public CancellationTokenSource Drop { get; } = new();
    }
}
