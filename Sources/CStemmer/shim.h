// The Snowball stemmer's C API (Debian's libstemmer-dev), seen by Swift only through
// SurveyEngine's SnowballStemmer.
#include <libstemmer.h>
