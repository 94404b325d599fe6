module github.com/timdesk/timdesk/bindings/go

go 1.23
