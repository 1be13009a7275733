using Tessera.Storage.Conformance;
using Tessera.Testing;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>The storage conformance suite on the PostgreSQL provider.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresStorageTests(PostgresStorageFixture fixture) : StorageConformanceTests, IClassFixture<PostgresStorageFixture>
{
    protected override Task<IServiceProvider> CreateStorageAsync() => Task.FromResult<IServiceProvider>(fixture.Services);
}
