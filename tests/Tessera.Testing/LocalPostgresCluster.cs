using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Tessera.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 cluster: <c>initdb</c> into a fresh folder under /tmp and <c>pg_ctl start</c> on a free
/// loopback port with trust authentication and fsync off. When the tests run as root (PostgreSQL refuses to), the
/// folder is given to the <c>postgres</c> user and the tools run through <c>runuser</c>. Each instance has its own
/// folder and port, so several test assemblies can start clusters at the same time.
/// </summary>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string FolderPrefix = "tessera-pg-";
    private const string SystemUser = "postgres";
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly string _folder;
    private bool _started;

    private LocalPostgresCluster(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; private set; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SystemUser,
        Database = "postgres",
    }.ConnectionString;

    private string DataDirectory => Path.Combine(_folder, "data");

    private static bool RunningAsRoot => Environment.UserName == "root";

    public static async Task<LocalPostgresCluster> StartAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException($"No local PostgreSQL cluster on Windows: set {PostgresServer.EnvironmentVariable} or run a Docker engine.");
        }

        await EnsureInstalledAsync();
        await RemoveAbandonedClustersAsync();

        // Note: /tmp rather than the temp path: when running as root, the postgres user must be able to traverse
        // every parent folder, and $TMPDIR may live under /root.
        var folder = Path.Combine("/tmp", $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var cluster = new LocalPostgresCluster(folder, port: 0);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-s"]);
        }

        TryDelete(_folder);
    }

    private async Task InitializeAsync()
    {
        if (RunningAsRoot)
        {
            await ProcessRunner.RunCheckedAsync("chown", [$"{SystemUser}:{SystemUser}", _folder], ToolTimeout);
        }

        var (exitCode, output) = await RunToolAsync(
            "initdb",
            ["-D", DataDirectory, "-U", SystemUser, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed with exit code {exitCode}:\n{output}");
        }

        // Note: the free port is found by binding port 0 and releasing it, so another process may take it first;
        // a few attempts with fresh ports cover that race between test assemblies.
        var log = Path.Combine(_folder, "postgres.log");
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            var serverOptions = string.Join(' ',
                $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
                $"-k {_folder}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300");
            (exitCode, output) = await RunToolAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", log, "-w", "-t", "60", "-s", "-o", serverOptions]);
            if (exitCode == 0)
            {
                _started = true;
                return;
            }

            if (attempt == 5)
            {
                var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty;
                throw new InvalidOperationException($"pg_ctl start failed with exit code {exitCode}:\n{output}\n{serverLog}");
            }
        }
    }

    private static Task<(int ExitCode, string Output)> RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(BinDirectory, tool);
        return RunningAsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", SystemUser, "--", path, .. arguments], ToolTimeout)
            : ProcessRunner.RunAsync(path, arguments, ToolTimeout);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Installs Debian's postgresql-15 once when its binaries are missing, so a clean machine works.</summary>
    private static async Task EnsureInstalledAsync()
    {
        var initdb = Path.Combine(BinDirectory, "initdb");
        if (File.Exists(initdb))
        {
            return;
        }

        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(initdb))
            {
                return;
            }

            var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            // Note: the lock timeout makes a second test assembly installing at the same moment wait for the first.
            string[] install = ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", "postgresql-15"];
            var timeout = TimeSpan.FromMinutes(10);
            var (exitCode, _) = await ProcessRunner.RunAsync("apt-get", install, timeout, environment);
            if (exitCode != 0)
            {
                await ProcessRunner.RunCheckedAsync("apt-get", ["-o", "DPkg::Lock::Timeout=600", "update"], timeout, environment);
                await ProcessRunner.RunCheckedAsync("apt-get", install, timeout, environment);
            }

            if (!File.Exists(initdb))
            {
                throw new InvalidOperationException($"Installing postgresql-15 did not provide {initdb}.");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>
    /// Stops and deletes clusters left behind by test processes that died before disposing their fixture
    /// (their folder names carry the owner's process id). Clusters of live processes are left alone.
    /// </summary>
    private static async Task RemoveAbandonedClustersAsync()
    {
        foreach (var folder in Directory.EnumerateDirectories("/tmp", FolderPrefix + "*"))
        {
            var name = Path.GetFileName(folder);
            var ownerText = name[FolderPrefix.Length..].Split('-')[0];
            if (!int.TryParse(ownerText, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) || IsAlive(owner))
            {
                continue;
            }

            var dataDirectory = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                await RunToolAsync("pg_ctl", ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-s"]);
            }

            TryDelete(folder);
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover folder is removed by the next run's sweep.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
