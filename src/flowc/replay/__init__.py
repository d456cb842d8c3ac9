"""`flowc replay`: a project's rules run against real CRM data, one record's
history at a time, with a report of what they would have done.

The data path, one module per concern:

* `problems`   bad data: what is wrong, where (file, line, field), and counting it;
* `formats`    reading the CRM-neutral format (JSON lines, CSV) into rows;
* `bitrix24`   reading Bitrix24 REST exports into the same rows, through the mapping
               (`flowc.check.mapping`: Bitrix24 ids to the project's names, and its check);
* `join`       rows to bundles (a record with its history and people), streamed,
               and bundles to partitions;
* `records`    a bundle to a typed replay record, checked against the project;
* `engine`     the one adapter to the interpreter: a replay record in, trace events out;
* `driver`     the command: options in, the report out;
* `summary`    the mergeable summary of what the rules did;
* `report`     the summary as text or JSON;
* `run`        running partitions: in this process, or `--jobs N` processes;
* `cluster`    running partitions on Dask distributed (imported only when used).

docs/replay.md describes the formats, the report and the cluster use.
"""
