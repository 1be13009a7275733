using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Cluster.IntegrationTests.Processes;

/// <summary>
/// One executable of the platform (<c>dotnet Tessera.Server.dll</c>, <c>dotnet Tessera.Gateway.dll</c>) as its own OS
/// process on a loopback port, configured through environment variables as a container would be, with its console output
/// written to a log file. <see cref="Kill"/> is <c>kill -9</c>: the process gets no chance to leave its cluster.
/// </summary>
internal sealed class TesseraProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();

    private TesseraProcess(string name, Process process, StreamWriter log, string logPath, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    /// <summary>The HTTP root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>dotnet {dll} --contentRoot {dll folder} --urls {address}</c> in <paramref name="workingDirectory"/> (so
    /// relative paths such as <c>./data</c> land there) with <paramref name="environment"/> on top of this process's own.
    /// </summary>
    public static TesseraProcess Start(string name, string dll, int port, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logDirectory)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--contentRoot", Path.GetDirectoryName(dll)!, "--urls", baseAddress.AbsoluteUri.TrimEnd('/') })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Note: the test runner's own settings must not leak into the processes under test.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_ENVIRONMENT", "ConnectionStrings__Tessera" })
        {
            startInfo.Environment.Remove(inherited);
        }

        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        log.WriteLine($"# dotnet {string.Join(' ', startInfo.ArgumentList)}");
        foreach (var (key, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            log.WriteLine($"# {key}={value}");
        }

        var process = new Process { StartInfo = startInfo };
        var started = new TesseraProcess(name, process, log, logPath, baseAddress);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits until <c>GET /readyz</c> answers 200 (every check passed), failing at once if the process exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var last = "no answer";
        do
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready; log: {LogPath}\n{Tail(40)}");
            }

            try
            {
                using var response = await client.GetAsync("readyz", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}";
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                last = "readyz timed out";
            }
        }
        while (await WaitAsync(timer, deadline.Token, cancellationToken));

        throw new TimeoutException($"{Name} was not ready after {timeout} (last /readyz: {last}); log: {LogPath}\n{Tail(40)}");
    }

    /// <summary>SIGKILL, this process only: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
        Append("# killed (SIGKILL) by the test");
    }

    /// <summary>The last lines of the log.</summary>
    public string Tail(int lines)
    {
        lock (_logGate)
        {
            _log.Flush();
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Note: the whole cluster is thrown away; a graceful stop would only make silos wait for each other.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        lock (_logGate)
        {
            _log.Dispose();
        }
    }

    /// <summary>A free TCP port on loopback (released at once; the process binds it a moment later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(deadline);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after the test disposed the process has nowhere to go.
            }
        }
    }
}
