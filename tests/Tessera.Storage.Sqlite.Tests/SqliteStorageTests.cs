using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Sqlite.Tests;

/// <summary>The storage conformance suite on the SQLite provider.</summary>
public sealed class SqliteStorageTests(SqliteStorageFixture fixture) : StorageConformanceTests, IClassFixture<SqliteStorageFixture>
{
    protected override Task<IServiceProvider> CreateStorageAsync() => Task.FromResult<IServiceProvider>(fixture.Services);
}
