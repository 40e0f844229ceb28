/*
 * xml.h - a small streaming layer over expat shared by the XML parsers
 * (OFAC sdnList / advanced / enhanced, UN). Namespaces are stripped: handlers
 * see local element names. Character data of the current element is collected
 * and handed to the end handler, trimmed. A malformed document yields an
 * error naming the file, line and column.
 */
#ifndef EM_SOURCES_XML_H
#define EM_SOURCES_XML_H

#include "embargo.h"

typedef struct em_xml em_xml;

typedef struct em_xml_handlers {
    /* attrs: NULL-terminated name/value pairs, names without namespace */
    int (*start)(void *ctx, em_xml *x, const char *name, const char **attrs);
    /* text: trimmed character data directly inside this element ("" if none) */
    int (*end)(void *ctx, em_xml *x, const char *name, const char *text);
} em_xml_handlers;

/* Handlers return 0 to go on, -1 to stop (after setting em_xml_fail). */
int em_xml_parse(const char *path, const em_xml_handlers *h, void *ctx, em_error *err);

/* Depth of the current element (root = 1) and the name of the element at depth d. */
int em_xml_depth(const em_xml *x);
const char *em_xml_parent(const em_xml *x, int up); /* up=0: current, 1: its parent */
long em_xml_line(const em_xml *x);
/* Attribute lookup in an attrs array. */
const char *em_xml_attr(const char **attrs, const char *name);
/* Records an error with file and line prefix; returns -1. */
int em_xml_fail(em_xml *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
