using Tessera.Deploy.Tests;

[assembly: AssemblyFixture(typeof(Helm))]
