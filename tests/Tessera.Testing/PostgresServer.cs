using Npgsql;
using Xunit;

namespace Tessera.Testing;

/// <summary>
/// A PostgreSQL server for tests: one per test assembly, with a fresh empty database per test class
/// (<see cref="CreateDatabaseAsync"/>), so test classes can run in parallel without seeing each other's rows.
/// </summary>
/// <remarks>
/// <para>Where the server comes from, in order:</para>
/// <list type="number">
/// <item>the connection string in the <c>TESSERA_TEST_POSTGRES</c> environment variable (its user needs CREATEDB);</item>
/// <item>a Testcontainers <c>postgres:15-alpine</c> container, when a Docker engine answers within about a second;</item>
/// <item>a throwaway cluster from Debian's postgresql-15 binaries (installed with apt-get when missing): <c>initdb</c>
/// into a folder under /tmp and <c>pg_ctl start</c> on a free loopback port, run as the <c>postgres</c> user when the
/// tests run as root. It is stopped and deleted on dispose.</item>
/// </list>
/// <para>
/// Share one server across the assembly. Either with an assembly fixture, which lets test classes run in parallel:
/// </para>
/// <code>
/// [assembly: AssemblyFixture(typeof(PostgresServer))]
///
/// public sealed class OrdersTests(PostgresServer postgres) : IAsyncLifetime
/// {
///     private string _connectionString = "";
///     public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync("orders");
///     public ValueTask DisposeAsync() => ValueTask.CompletedTask;
/// }
/// </code>
/// <para>
/// Or with a collection, whose definition must be declared in the test assembly itself (xUnit does not discover it
/// in a referenced library); classes of one collection run one after another:
/// </para>
/// <code>
/// [CollectionDefinition(PostgresServer.CollectionName)]
/// public sealed class PostgresCollection : ICollectionFixture&lt;PostgresServer&gt;;
///
/// [Collection(PostgresServer.CollectionName)]
/// public sealed class OrdersTests(PostgresServer postgres) { ... }
/// </code>
/// <para>
/// A class fixture may take the server in its constructor to create the class's database once
/// (see <c>PostgresStorageFixture</c> in Tessera.Storage.Postgres.Tests).
/// </para>
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The name to give a <c>[CollectionDefinition]</c> of this fixture.</summary>
    public const string CollectionName = "PostgreSQL server";

    /// <summary>The environment variable that names an existing server to use instead of starting one.</summary>
    public const string EnvironmentVariable = "TESSERA_TEST_POSTGRES";

    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly List<string> _createdDatabases = [];
    private NpgsqlDataSource? _admin;
    private LocalPostgresCluster? _cluster;
    private IAsyncDisposable? _container;
    private string? _connectionString;

    /// <summary>
    /// Connection string of the server as a user that may create databases: the <c>TESSERA_TEST_POSTGRES</c> value as
    /// given, or the <c>postgres</c> database as superuser. Tests should use <see cref="CreateDatabaseAsync"/> instead.
    /// </summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The PostgreSQL server has not been started.");

    /// <summary>Where the server came from: <c>environment</c>, <c>testcontainers</c> or <c>local cluster</c>.</summary>
    public string Source { get; private set; } = "none";

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _connectionString = configured;
            Source = "environment";
        }
        else if (await DockerEngine.AnswersAsync(DockerProbeTimeout) && await TryStartContainerAsync())
        {
            Source = "testcontainers";
        }
        else
        {
            _cluster = await LocalPostgresCluster.StartAsync();
            _connectionString = _cluster.ConnectionString;
            Source = "local cluster";
        }

        _admin = NpgsqlDataSource.Create(ConnectionString);
        Diagnostic($"PostgreSQL test server from {Source}: {new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }}");
    }

    /// <summary>
    /// Creates a fresh, empty database on the server and returns its connection string.
    /// Note: on PostgreSQL 15 and later the database's default collation is ICU <c>en-US</c> (as on typical production
    /// servers, and unlike the cluster's C locale), so SQL that relies on the default collation for byte order fails here too.
    /// </summary>
    /// <param name="prefix">Start of the database name, for telling databases apart in logs (lowercased, letters, digits and _).</param>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var admin = _admin ?? throw new InvalidOperationException("The PostgreSQL server has not been started.");
        var name = $"{Sanitize(prefix ?? "tessera")}_{Guid.NewGuid():N}";
        name = name.Length > 63 ? name[^63..] : name;

        await using (var connection = await admin.OpenConnectionAsync())
        {
            var icu = connection.PostgreSqlVersion.Major >= 15;
            try
            {
                await ExecuteAsync(connection, icu
                    ? $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
                    : $"CREATE DATABASE \"{name}\"");
            }
            catch (PostgresException exception) when (icu && exception.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.InvalidParameterValue)
            {
                // A server built without ICU: its default collation will do.
                await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"");
            }
        }

        lock (_createdDatabases)
        {
            _createdDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null && Source == "environment")
        {
            // A server we did not start outlives the run: drop what we created there.
            NpgsqlConnection.ClearAllPools();
            string[] databases;
            lock (_createdDatabases)
            {
                databases = [.. _createdDatabases];
            }

            await using var connection = await _admin.OpenConnectionAsync();
            foreach (var database in databases)
            {
                try
                {
                    await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                }
                catch (PostgresException exception)
                {
                    Diagnostic($"Could not drop test database {database}: {exception.MessageText}");
                }
            }
        }

        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        if (_cluster is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _cluster.DisposeAsync();
        }
    }

    private async Task<bool> TryStartContainerAsync()
    {
        try
        {
            var (container, connectionString) = await PostgresContainer.StartAsync();
            _container = container;
            _connectionString = connectionString;
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Note: an engine that answers may still be unable to pull or run the image; fall back, do not fail.
            Diagnostic($"Testcontainers could not start PostgreSQL, using a local cluster instead: {exception.Message}");
            return false;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Sanitize(string prefix)
    {
        var characters = prefix.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_').ToArray();
        return characters.Length == 0 ? "tessera" : new string(characters);
    }

    private static void Diagnostic(string message) => TestContext.Current.SendDiagnosticMessage(message);
}
