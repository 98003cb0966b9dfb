/* debrief-json-private.h: a tolerant, streaming JSON tokenizer for training logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib builds a DOM and rejects the bare NaN / Infinity / -Infinity
 * tokens that Python's json.dump writes for a diverged run. Training logs can
 * be hundreds of MB, so the readers pull values one at a time from a memory
 * buffer (usually a mapped file) instead: no allocation per number, line
 * numbers tracked for error messages, nesting depth bounded, no recursion
 * when skipping. A small DOM (DebriefJsonNode) is built only for small
 * objects such as config.json.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_JSON_INVALID = 0,  /* error, or end of input */
  DEBRIEF_JSON_NULL,
  DEBRIEF_JSON_FALSE,
  DEBRIEF_JSON_TRUE,
  DEBRIEF_JSON_NUMBER,
  DEBRIEF_JSON_STRING,
  DEBRIEF_JSON_OBJECT,
  DEBRIEF_JSON_ARRAY,
} DebriefJsonType;

/* A UTF-8 byte order mark, which Windows tools write at the start of text
 * files: not content. Its length at the start of @data (0 or 3). */
#define DEBRIEF_UTF8_BOM "\xef\xbb\xbf"
static inline gsize
debrief_utf8_bom_length (const char *data,
                         gsize       length)
{
  return length >= 3 && (guchar) data[0] == 0xef && (guchar) data[1] == 0xbb && (guchar) data[2] == 0xbf
         ? 3 : 0;
}

/* Deeper nesting than this is an error: no real log nests more than a few
 * levels, and the DOM builder recurses. */
#define DEBRIEF_JSON_MAX_DEPTH 256

typedef struct
{
  const char *start;
  const char *pos;
  const char *end;
  const char *file;        /* for messages; not owned */
  guint line;              /* 1-based line of pos */
  guint depth;
  gboolean first;          /* just after '{' or '[' */
  gboolean at_eof_error;   /* the error is an unexpected end of input */
  GError *error;           /* first error; the reader stops there */
  GString *scratch;        /* decoded strings with escapes */
} DebriefJsonReader;

void             debrief_json_reader_init        (DebriefJsonReader *reader,
                                                  const char        *data,
                                                  gsize              length,
                                                  const char        *file,
                                                  guint              first_line);
void             debrief_json_reader_clear       (DebriefJsonReader *reader);
/* Takes the reader's error (or NULL). */
GError          *debrief_json_reader_steal_error (DebriefJsonReader *reader);
gboolean         debrief_json_reader_failed      (DebriefJsonReader *reader);

/* Type of the next value without consuming it (INVALID at end or on bad input). */
DebriefJsonType  debrief_json_reader_peek        (DebriefJsonReader *reader);
/* TRUE when only white space is left. */
gboolean         debrief_json_reader_at_end      (DebriefJsonReader *reader);

gboolean         debrief_json_reader_begin_object (DebriefJsonReader *reader);
/* Positions the reader on the next member's value and returns its key
 * (not NUL-terminated, valid until the next call); FALSE after '}' or on error. */
gboolean         debrief_json_reader_next_member (DebriefJsonReader *reader,
                                                  const char       **key,
                                                  gsize             *key_length);
gboolean         debrief_json_reader_begin_array (DebriefJsonReader *reader);
/* TRUE when another element follows; FALSE after ']' or on error. */
gboolean         debrief_json_reader_next_element (DebriefJsonReader *reader);

/* The fast path for long arrays of numbers (a metrics.json holds millions):
 * inside an array, reads the following elements while they are plain
 * decimal numbers, at most @max of them, into @values. Returns how many and
 * sets *@status to what stopped it:
 *   DEBRIEF_JSON_NUMBER   @max numbers read; call again;
 *   DEBRIEF_JSON_ARRAY    the array ended (its "]" consumed), or an error;
 *   DEBRIEF_JSON_INVALID  the reader is on an element that is not a plain
 *                         number (null, a string, NaN ...): read it with
 *                         debrief_json_reader_read_number(), then call again.
 * The same numbers, errors and line counts as next_element + read_number. */
gsize            debrief_json_reader_read_numbers (DebriefJsonReader *reader,
                                                   double            *values,
                                                   gsize              max,
                                                   DebriefJsonType   *status);

/* Called now and then, from either thread, with input both halves are done
 * with (a reader of a mapped file gives those pages back). */
typedef void (*DebriefJsonReleaseFunc) (const char *from,
                                        const char *to,
                                        gpointer    user_data);

/* The same for a long array, read by two threads (one on each half, which
 * meet at a comma): the plain numbers that follow, as read_numbers would
 * read them, at most @max. Returns 0 when the array is too short to gain or
 * has anything else in the first half; stops (after a number) where
 * read_numbers then goes on. @release (may be NULL) is told, every MB or so
 * and from both threads, which bytes are read. */
gsize            debrief_json_reader_read_numbers_parallel (DebriefJsonReader      *reader,
                                                            double                 *values,
                                                            gsize                   max,
                                                            DebriefJsonReleaseFunc  release,
                                                            gpointer                release_data);

/* Consumes one value of any type. Numbers (including NaN, Infinity, -Infinity
 * and numbers written as strings) are stored in *value and NUMBER is returned;
 * other values are skipped and their type returned (STRING for a string that
 * is not a number). INVALID on error. */
DebriefJsonType  debrief_json_reader_read_number (DebriefJsonReader *reader,
                                                  double            *value);
/* Consumes a string (NUL-terminated, valid UTF-8); other values are skipped and give NULL. */
char            *debrief_json_reader_read_string (DebriefJsonReader *reader);
gboolean         debrief_json_reader_skip        (DebriefJsonReader *reader);

/* Parses a number token at *p (JSON syntax plus NaN, Infinity, -Infinity, a
 * leading "+" and "." and a trailing "."); the value is exactly
 * g_ascii_strtod's (debrief_strtod). FALSE when there is no number at *p. */
gboolean         debrief_json_parse_number       (const char       **p,
                                                  const char        *end,
                                                  double            *value);
/* A whole string as a number ("2.5", " nan ", "-inf", "Infinity"); FALSE if it is not one. */
gboolean         debrief_json_string_to_number   (const char        *text,
                                                  gsize              length,
                                                  double            *value);

/* ---- small DOM, for configuration files ---- */

typedef struct _DebriefJsonNode DebriefJsonNode;
struct _DebriefJsonNode
{
  DebriefJsonType type;
  guint line;
  double number;        /* NUMBER (TRUE = 1, FALSE = 0) */
  char *string;         /* STRING */
  GPtrArray *keys;      /* OBJECT: char* */
  GPtrArray *values;    /* OBJECT, ARRAY: DebriefJsonNode* */
};

void             debrief_json_node_free          (DebriefJsonNode   *node);
/* An empty node (objects and arrays get their arrays). */
DebriefJsonNode *debrief_json_node_new           (DebriefJsonType    type);
/* Appends @key (made valid UTF-8) and @value (taken) to @object. */
void             debrief_json_node_add_member    (DebriefJsonNode   *object,
                                                  const char        *key,
                                                  DebriefJsonNode   *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefJsonNode, debrief_json_node_free)
/* A value written as text (an MLflow param, a command-line argument): a number,
 * true/false (any case), a JSON array or object, else a string. Trailing
 * newlines are dropped. */
DebriefJsonNode *debrief_json_node_from_text     (const char        *value,
                                                  gsize              length);

/* Reads the next value as a tree. */
DebriefJsonNode *debrief_json_reader_read_node   (DebriefJsonReader *reader);
/* A whole document; error names @file and the line. */
DebriefJsonNode *debrief_json_parse              (const char        *data,
                                                  gsize              length,
                                                  const char        *file,
                                                  GError           **error);

/* Member lookup (the last one wins when a key repeats, as in Python). */
DebriefJsonNode *debrief_json_node_get           (const DebriefJsonNode *object,
                                                  const char        *key);
/* Number or numeric string; FALSE when absent or not a number. */
gboolean         debrief_json_node_get_double    (const DebriefJsonNode *object,
                                                  const char        *key,
                                                  double            *value);
/* A finite number that is a whole number within gint64. */
gboolean         debrief_json_node_get_int       (const DebriefJsonNode *object,
                                                  const char        *key,
                                                  gint64            *value);
const char      *debrief_json_node_get_string    (const DebriefJsonNode *object,
                                                  const char        *key);
/* TRUE/FALSE, or UNKNOWN (-1) when absent or not a boolean. */
int              debrief_json_node_get_bool      (const DebriefJsonNode *object,
                                                  const char        *key);
gboolean         debrief_json_node_as_double     (const DebriefJsonNode *node,
                                                  double            *value);

/* Whether @data (@length bytes; -1: NUL-terminated) nests arrays and objects
 * at most @max_depth deep. json-glib recurses once per level and has no limit
 * of its own: check text from files before handing it to json_parser. */
gboolean         debrief_json_nesting_ok         (const char        *data,
                                                  gssize             length,
                                                  guint              max_depth);
/* Whether json_parser_load_from_data () may be given @data: nesting at most
 * DEBRIEF_JSON_MAX_DEPTH deep, and not several arrays or objects one after
 * another (json-glib 1.6 then keeps only the last, leaking the others,
 * instead of failing: "[1] [2]" parses as [2]). */
gboolean         debrief_json_glib_safe          (const char        *data,
                                                  gssize             length);

G_END_DECLS
