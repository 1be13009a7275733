var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTesseraStorageFromConfiguration();
builder.AddTesseraSilo();
builder.AddTesseraDataNode();
builder.AddTesseraReplication();
builder.AddTesseraIdentity();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTesseraDataNode().MapTesseraReplication();
app.MapTesseraIdentity();

app.Run();

/// <summary>Entry point; public so integration tests can start the real host.</summary>
public partial class Program;
