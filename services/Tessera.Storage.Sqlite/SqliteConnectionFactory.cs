using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Tessera.Storage.Sqlite;

/// <summary>
/// The SQLite file's connections: one long-lived writer connection behind a lock, and pooled reader connections.
/// Note: SQLite allows one writer at a time anyway; queueing writers here (several databases commit concurrently)
/// is cheaper than letting them spin on SQLITE_BUSY, and WAL mode lets readers run beside the writer.
/// </summary>
internal sealed class SqliteConnectionFactory : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _writerLock = new(1, 1);
    private SqliteConnection? _writer;
    private bool _disposed;

    public SqliteConnectionFactory(IOptions<SqliteStorageOptions> options)
    {
        var dataPath = Path.GetFullPath(options.Value.DataPath);
        Directory.CreateDirectory(dataPath);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataPath, SqliteStorageOptions.DatabaseFileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
    }

    public string ConnectionString { get; }

    /// <summary>Opens a pooled connection for reads; dispose it to return it to the pool.</summary>
    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the writer connection; dispose the lease to let the next writer in.</summary>
    public async Task<WriterLease> AcquireWriterAsync(CancellationToken cancellationToken)
    {
        await _writerLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null)
            {
                var writer = new SqliteConnection(ConnectionString);
                await writer.OpenAsync(cancellationToken);
                await using var pragma = writer.CreateCommand();
                // Note: WAL persists in the file; synchronous=NORMAL is per connection and, in WAL mode, keeps the
                // database consistent on power loss while skipping the fsync of each commit.
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
                _writer = writer;
            }

            return new WriterLease(_writer, _writerLock);
        }
        catch
        {
            _writerLock.Release();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    // Note: synchronous as well, so a container disposed with Dispose() (not DisposeAsync) does not throw.
    public void Dispose()
    {
        _writerLock.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer?.Dispose();
            _writer = null;

            // Pooled reader connections keep the file open; release them so the folder can be moved or deleted.
            using var connection = new SqliteConnection(ConnectionString);
            SqliteConnection.ClearPool(connection);
        }
        finally
        {
            _writerLock.Release();
        }
    }

    /// <summary>Exclusive use of the writer connection until disposed.</summary>
    internal readonly struct WriterLease(SqliteConnection connection, SemaphoreSlim writerLock) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public void Dispose() => writerLock.Release();
    }
}
