using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Tessera.Bench.GrainCounter;

/// <summary>
/// Per grain type: activations alive now and activations created since the process started; plus the process's JIT,
/// GC and CPU totals.
/// </summary>
internal static class GrainCounts
{
    private const string MeterName = "Microsoft.Orleans";
    private const string InstrumentName = "orleans-grains";

    private static readonly ConcurrentDictionary<string, long> Current = new();
    private static readonly ConcurrentDictionary<string, long> Activated = new();
    private static readonly Lock WriteLock = new();
    private static MeterListener? listener;
    private static Timer? timer;
    private static string file = "";

    public static void Start(string path)
    {
        file = Path.GetFullPath(path);
        listener = new MeterListener
        {
            InstrumentPublished = static (instrument, l) =>
            {
                if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>(static (_, value, tags, _) => Record(value, tags));
        listener.SetMeasurementEventCallback<long>(static (_, value, tags, _) => Record(value, tags));
        listener.Start();
        timer = new Timer(static _ => Write(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
        AppDomain.CurrentDomain.ProcessExit += static (_, _) => Write();
    }

    private static void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var type = "unknown";
        foreach (var tag in tags)
        {
            // Orleans 10 tags with "grain_type" (the grain type name, "database" for DatabaseGrain); older ones "type".
            if (tag.Key is "grain_type" or "type" && tag.Value?.ToString() is { Length: > 0 } name)
            {
                type = name;
            }
        }

        Current.AddOrUpdate(type, value, (_, c) => c + value);
        if (value > 0)
        {
            Activated.AddOrUpdate(type, value, (_, c) => c + value);
        }
    }

    private static void Write()
    {
        lock (WriteLock)
        {
            try
            {
                var json = JsonSerializer.Serialize(new
                {
                    pid = Environment.ProcessId,
                    at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    current = new SortedDictionary<string, long>(Current, StringComparer.Ordinal),
                    activated = new SortedDictionary<string, long>(Activated, StringComparer.Ordinal),
                    // The runtime's own counters, so the benchmark can wait until the JIT has gone quiet in every silo
                    // (steady state) and show what the JIT, the GC and the process used during a measured window.
                    jit = new
                    {
                        methods = System.Runtime.JitInfo.GetCompiledMethodCount(),
                        ms = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
                    },
                    gc = new
                    {
                        gen0 = GC.CollectionCount(0),
                        gen1 = GC.CollectionCount(1),
                        gen2 = GC.CollectionCount(2),
                        pauseMs = GC.GetTotalPauseDuration().TotalMilliseconds,
                        allocatedBytes = GC.GetTotalAllocatedBytes(),
                    },
                    cpuMs = Environment.CpuUsage.TotalTime.TotalMilliseconds,
                    threads = ThreadPool.ThreadCount,
                });
                // Note: write then rename, so the reader never sees half a file.
                var temp = file + ".tmp";
                File.WriteAllText(temp, json);
                File.Move(temp, file, overwrite: true);
            }
            catch (IOException)
            {
                // The benchmark's temp folder may be gone during shutdown; nothing to report to then.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
